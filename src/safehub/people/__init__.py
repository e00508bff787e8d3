"""One child, one record: the person index (extended by issue 3)."""
