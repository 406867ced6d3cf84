@sanctionsengine
Feature: Launches, nuclear tests, WMD items, teaching and scientific cooperation
  The DPRK may conduct no launch using ballistic-missile technology and no nuclear test; States
  may not supply it with WMD-related items, teach its nationals sensitive disciplines, or
  cooperate with it scientifically without the Committee.

  Scenario: A failed satellite launch still breaches the launch ban
    Given the following events:
      | id        | date       | kind   | supplier | category              |
      | satellite | 2024-05-27 | launch | KP       | space launch vehicles |
    When the events are evaluated
    Then event "satellite" is a violation
    And event "satellite" is flagged under "S/RES/2094 (2013) OP2"

  Scenario: An offer of missile technology is a potential violation
    Given the following events:
      | id    | date       | kind  | offered           | supplier | recipient | category                     |
      | offer | 2024-06-19 | offer | transfer, service | RU       | KP        | ballistic missile technology |
    When the events are evaluated
    Then event "offer" is a potential violation
    And event "offer" is flagged under "1718 OP8(a)(ii)"

  Scenario: A medical exchange is not suspended cooperation
    Given the following events:
      | id      | date       | kind        | supplier | recipient | category |
      | doctors | 2018-03-01 | cooperation | RU       | KP        | medical  |
    When the events are evaluated
    Then event "doctors" is exempt

  Scenario Outline: Advanced materials science is a sensitive discipline from 30 November 2016 (2321 OP10)
    Given the following events:
      | id       | date   | kind     | supplier | recipient | category                       |
      | students | <date> | training | CN       | KP        | advanced materials engineering |
    When the events are evaluated
    Then event "students" is <verdict>

    Examples:
      | date       | verdict        |
      | 2016-11-29 | not prohibited |
      | 2016-11-30 | a violation    |
