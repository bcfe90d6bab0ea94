"""The only layer that speaks SQL."""

from app.store.database import Database
from app.store.db_errors import StoreError, UserFacingStoreError

__all__ = ["Database", "StoreError", "UserFacingStoreError"]
