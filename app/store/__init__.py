"""The only layer that speaks SQL."""

from app.store.database import Database, StoreError, UserFacingStoreError

__all__ = ["Database", "StoreError", "UserFacingStoreError"]
