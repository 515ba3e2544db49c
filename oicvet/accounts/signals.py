"""What happens to an account, for the features built on accounts to act on.

Receivers change the database within the sender's transaction. Anything that
must wait until that transaction is committed (an e-mail, say) they return
as a callable, which ``after_commit`` then runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Namespace

_signals = Namespace()

#: Sent with the account once its e-mail address is confirmed.
email_confirmed = _signals.signal("email-confirmed")
#: Sent with the account just before it is deleted.
account_deleting = _signals.signal("account-deleting")


def after_commit(results: list[tuple[Callable, Any]]) -> None:
    """Run what the receivers of a signal left for after the commit."""
    for _receiver, then in results:
        if callable(then):
            then()
