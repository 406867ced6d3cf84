@sanctionsengine
Feature: Industrial machinery, vehicles and metals to the DPRK (2397 OP7)
  From 22 December 2017 no goods of HS 84 and 85, 86 to 89, or 72 to 83 may be supplied to the DPRK.

  Scenario: A truck supplied to the DPRK is a violation
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs   |
      | truck | 2019-01-10 | transfer | CN       | KP        | 8704 |
    When the events are evaluated
    Then event "truck" is a violation
    And event "truck" is flagged under "2397 OP7"

  Scenario: Gold is not among the metals of chapters 72 to 83
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   |
      | gold | 2019-01-10 | transfer | CN       | KP        | 7108 |
    When the events are evaluated
    Then event "gold" is not flagged by rule "dprk.supply.metals"

  Scenario: Goods not described cannot be judged
    Given the following events:
      | id      | date       | kind     | supplier | recipient |
      | unknown | 2019-01-10 | transfer | CN       | KP        |
    When the events are evaluated
    Then event "unknown" is undecidable

  Scenario Outline: The supply ban starts on 22 December 2017
    Given the following events:
      | id        | date   | kind     | supplier | recipient | hs   |
      | computers | <date> | transfer | CN       | KP        | 8471 |
    When the events are evaluated
    Then event "computers" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-12-21 | not prohibited |
      | 2017-12-22 | a violation    |
