from .code_list import Code, CodeList
from .postcode import PostcodeLocation

__all__ = ["Code", "CodeList", "PostcodeLocation"]
