@sanctionsengine
Feature: Luxury goods to the DPRK
  1718 OP8(a)(iii) bans luxury goods to the DPRK; 2094, 2270 and 2321 list examples, some only
  above a value per item.

  Scenario: A luxury car given to the DPRK's leader breaches the luxury ban and 2397 OP7
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs   | quantity | unit    |
      | aurus | 2024-02-18 | transfer | RU       | KP        | 8703 | 1        | vehicle |
    When the events are evaluated
    Then event "aurus" is a violation
    And event "aurus" is flagged under "S/RES/1718 (2006) OP8(a)(iii)"
    And event "aurus" is flagged under "2397 OP7"

  Scenario: A rug below the $500 threshold is not a listed luxury good
    Given the following events:
      | id  | date       | kind     | supplier | recipient | hs   | value_usd |
      | rug | 2018-05-01 | transfer | IR       | KP        | 5701 | 300       |
    When the events are evaluated
    Then event "rug" is not prohibited

  Scenario: A rug of unknown value can only be a potential violation
    Given the following events:
      | id  | date       | kind     | supplier | recipient | hs   |
      | rug | 2018-05-01 | transfer | IR       | KP        | 5701 |
    When the events are evaluated
    Then event "rug" is a potential violation

  Scenario Outline: Luxury watches are listed from 2 March 2016 (2270 OP39); before, only national lists name them
    Given the following events:
      | id    | date   | kind     | supplier | recipient | hs   |
      | watch | <date> | transfer | CH       | KP        | 9101 |
    When the events are evaluated
    Then event "watch" is <verdict>

    Examples:
      | date       | verdict        |
      | 2016-03-01 | a potential violation |
      | 2016-03-02 | a violation           |

  Scenario: Wine that only national luxury lists name is a potential violation saying so
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs     |
      | wine | 2019-05-01 | transfer | FR       | KP        | 220421 |
    When the events are evaluated
    Then event "wine" is a potential violation
    And event "wine" is flagged by rule "dprk.luxury.national-lists"
