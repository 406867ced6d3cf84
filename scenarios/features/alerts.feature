@sanctionsengine
Feature: The day's alerts and the reviewers' decisions
  A reviewer's decision on an alert is remembered by every later run: a false positive or a
  waiver stops the alert counting toward --fail-on, a confirmed or escalated one still counts.
  A decision holds through its expiry day (inclusive, in UTC) and re-opens the day after; a
  change to the list entry it was made on (a new alias, identifier or measure) re-opens it too.

  Background:
    Given the UN 1718 list in "../../../shared/data/un-1718/dprk-1718-list.xml"
    And the following events:
      | id      | date       | kind      | supplier | recipient | recipient name                               |
      | payment | 2019-05-01 | financial | CN       | KP        | Korea Mining Development Trading Corporation |
    And today is 2027-03-31 (UTC)

  Scenario: A name match found not to be the listed firm no longer fails the run on its last valid day
    Given a disposition "false-positive" on listing "KPe.001" under rule "dprk.designated.asset-freeze" for event "payment" by "A. Analyst" until 2027-03-31
    When the events are evaluated
    Then event "payment" is a potential violation
    And event "payment" matches listing "KPe.001"
    And the alert on event "payment" under rule "dprk.designated.asset-freeze" has status decided
    And the alert on event "payment" under rule "dprk.finance.financial-services" has status open
    And the run fails on "potential_violation"

  Scenario: The day after its expiry the alert is re-opened
    Given a disposition "false-positive" on listing "KPe.001" under rule "dprk.designated.asset-freeze" for event "payment" by "A. Analyst" until 2027-03-30
    When the events are evaluated
    Then the alert is re-opened because the decision expired

  Scenario: A confirmed match still counts
    Given a disposition "confirmed" on listing "KPe.001" under rule "dprk.designated.asset-freeze" for event "payment" by "A. Analyst" until 2027-12-31
    And a disposition "false-positive" on rule "dprk.finance.financial-services" for event "payment" by "A. Analyst" until 2027-12-31
    When the events are evaluated
    Then the alert on event "payment" under rule "dprk.designated.asset-freeze" has status decided
    And the run fails on "potential_violation"

  Scenario: With both alerts decided as false positives the run passes
    Given a disposition "false-positive" on listing "KPe.001" under rule "dprk.designated.asset-freeze" for event "payment" by "A. Analyst" until 2027-12-31
    And a disposition "false-positive" on rule "dprk.finance.financial-services" for event "payment" by "A. Analyst" until 2027-12-31
    When the events are evaluated
    Then the run passes on "potential_violation"
