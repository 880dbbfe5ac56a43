from gridgov.accounts.models.tokens import ApiToken
from gridgov.accounts.models.user import ScopeKind, User

__all__ = ["ApiToken", "ScopeKind", "User"]
