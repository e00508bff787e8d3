from .keys import api_key_create, api_key_mark_used, api_key_record_refusal, api_key_revoke

__all__ = ["api_key_create", "api_key_mark_used", "api_key_record_refusal", "api_key_revoke"]
