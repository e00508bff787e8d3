from .code_list import Code, CodeList

__all__ = ["Code", "CodeList"]
