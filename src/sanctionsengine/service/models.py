"""The API's contracts, as pydantic models; the OpenAPI document is generated from them.

A transaction has the bulk ledger's field names (:data:`~sanctionsengine.bulk.fields.FIELDS`):
the model is built from that table, so a field added there is a field here, described the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from ..bulk.fields import FIELDS, LIST_FIELDS, REQUIRED
from ..bulk.pipeline import RowVerdict
from ..report import Report
from ..vocabulary import Verdict
from .config import MAX_BATCH
from .state import ListStatus, Refresh

Scalar = str | int | float | None
Items = str | list[str] | None


def _field(name: str, meaning: str) -> Any:
    if name in LIST_FIELDS:
        return (Items, Field(default=None, description=f"{meaning} (a JSON array, or one text with ';' between)"))
    if name in REQUIRED:
        return (str | int, Field(description=meaning))
    return (Scalar, Field(default=None, description=meaning))


if TYPE_CHECKING:

    class Transaction(BaseModel):
        pass

else:
    Transaction = create_model(
        "Transaction",
        __config__=ConfigDict(extra="forbid", frozen=True, title="Transaction"),
        __doc__="One dealing, with the field names of a bulk ledger row (see `sanctionsengine screen`).",
        **{name: _field(name, meaning) for name, meaning in FIELDS.items()},
    )


class ScreenRequest(BaseModel):
    """One transaction (``transaction``) or a batch (``transactions``); exactly one of the two."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transaction: Transaction | None = None
    transactions: list[Transaction] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_BATCH,
        description=f"Up to {MAX_BATCH:,} transactions, judged as one ledger: caps are summed across them in date order",
    )
    as_of: str | None = Field(default=None, description="Judge by the law as it stood on this day (YYYY-MM-DD)")

    @model_validator(mode="after")
    def _one_form(self) -> ScreenRequest:
        if (self.transaction is None) == (self.transactions is None):
            raise ValueError("give exactly one of 'transaction' (one) or 'transactions' (a batch)")
        return self

    def items(self) -> list[Any]:
        return [self.transaction] if self.transaction is not None else list(self.transactions or [])


class RulebookInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hash: str = Field(description="The rulebook's content hash (also in the X-Rulebook-Hash header)")
    path: str | None
    rules: int


class ServedBy(BaseModel):
    """What produced the answer: in every response body, and in the X-Rulebook-Hash and X-Lists headers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rulebook: RulebookInfo
    lists: list[ListStatus] = Field(description="The lists screened against, with their versions and ages")
    list_refresh: str = Field(description="The last list refresh: none, ok, or failed (serving the previous lists)")
    name_threshold: float
    request_id: str = Field(description="Also the audit record's run_id, and the X-Request-Id header")


class ScreenResponse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    verdict: Verdict = Field(description="The most serious verdict among the transactions")
    by_verdict: dict[str, int]
    results: list[RowVerdict] = Field(
        description="One per transaction, in order (row = its index): verdict, findings with citations, list matches"
    )
    disposition: None = Field(default=None, description="Reserved: the alert disposition, when one applies")
    provenance: ServedBy


class EvaluateResponse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    report: Report = Field(description="The report `sanctionsengine evaluate --format json` gives")
    provenance: ServedBy


class RuleInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    kind: str
    family: str
    versions: list[dict[str, Any]] = Field(description="Each version: its citation and in-force dates")


class RulesResponse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[RuleInfo]
    provenance: ServedBy


class ListsResponse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_age_days: int | None
    refresh: Refresh | None
    provenance: ServedBy


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str = Field(description="ok, ready or not-ready")
    reasons: list[str] = Field(default_factory=list, description="Why the service is not ready")
    provenance: ServedBy


class Problem(BaseModel):
    """An error answer: what went wrong, located as the CLI locates it, never a stack trace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    error: str
    problems: list[str] = Field(default_factory=list, description="file:line:col: code: message, as the CLI prints")
    diagnostics: list[dict[str, Any]] = Field(default_factory=list, description="The same, as objects")
    provenance: ServedBy | None = None
