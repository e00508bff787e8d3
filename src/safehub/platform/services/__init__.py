from .closures import local_closure_create, local_closure_delete

__all__ = ["local_closure_create", "local_closure_delete"]
