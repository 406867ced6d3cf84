"""After a list or rulebook change: what changed (``lists diff``) and which verdicts it changes
(``rescreen``), re-judging only the rows the change can reach."""
