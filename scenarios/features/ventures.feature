@sanctionsengine
Feature: Joint ventures with DPRK entities or individuals
  New joint ventures and cooperative entities are banned from 5 August 2017 (2371 OP12); from
  11 September 2017 all of them are, new and existing, but existing ones had 120 days to close,
  until 9 January 2018 (2375 OP18). Existing China-DPRK hydroelectric projects and the Russia-DPRK
  Rajin-Khasan project for Russia-origin coal are carved out of 2375 OP18, not out of 2371 OP12's
  ban on expanding a venture through additional investment.

  Scenario: A joint venture opened in October 2017 is a violation
    Given the following events:
      | id      | date       | kind          | supplier | recipient | flags |
      | venture | 2017-10-01 | joint-venture | CN       | KP        | new   |
    When the events are evaluated
    Then event "venture" is a violation
    And event "venture" is flagged under "S/RES/2375 (2017) OP18"

  Scenario: An existing joint venture still operating in October 2017, while being closed, is cleared
    Given the following events:
      | id      | date       | kind          | supplier | recipient | flags            |
      | venture | 2017-10-01 | joint-venture | CN       | KP        | existing-venture |
    When the events are evaluated
    Then event "venture" is not prohibited

  Scenario: A venture reported in November 2017 without saying whether it is new is a potential violation
    Given the following events:
      | id      | date       | kind          | supplier | recipient |
      | venture | 2017-11-15 | joint-venture | CN       | KP        |
    When the events are evaluated
    Then event "venture" is a potential violation

  Scenario: An existing China-DPRK hydroelectric project is exempt, but expanding it is not
    Given the following events:
      | id        | date       | kind          | supplier | recipient | category                 | flags                  |
      | dam       | 2019-05-01 | joint-venture | CN       | KP        |                          | existing-hydroelectric |
      | expansion | 2019-05-01 | financial     | CN       | KP        | jv-additional-investment | existing-hydroelectric |
    When the events are evaluated
    Then event "dam" is exempt
    And rule "dprk.ventures.joint-venture" finds event "dam" exempt
    And event "expansion" is a violation
    And event "expansion" is flagged under "2371 OP12"

  Scenario: The Rajin-Khasan port and rail project for Russia-origin coal is exempt
    Given the following events:
      | id          | date       | kind          | supplier | recipient | flags        |
      | rajinkhasan | 2019-05-01 | joint-venture | RU       | KP        | rajin-khasan |
    When the events are evaluated
    Then event "rajinkhasan" is exempt

  Scenario Outline: Existing ventures breach 2375 OP18 from the day after the 120-day deadline
    Given the following events:
      | id      | date   | kind          | supplier | recipient | flags            |
      | venture | <date> | joint-venture | CN       | KP        | existing-venture |
    When the events are evaluated
    Then event "venture" is <verdict>

    Examples:
      | date       | verdict        |
      | 2018-01-09 | not prohibited |
      | 2018-01-10 | a violation    |
