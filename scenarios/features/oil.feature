@sanctionsengine
Feature: Crude oil, refined petroleum, condensates and aviation fuel
  Refined petroleum to the DPRK is capped in aggregate (500,000 barrels a year since 2018, 2397
  OP5); crude oil at 4 million barrels or 525,000 tonnes per 12 months (2397 OP4); condensates
  and NGL are banned (2375 OP13); so is aviation fuel (2270 OP31).

  Scenario: A delivery above the year's whole cap is a violation
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | 2024-04-01 | transfer | RU       | KP        | 2710 | 600000   | barrel |
    When the events are evaluated
    Then event "diesel" is a violation
    And event "diesel" is flagged under "S/RES/2397 (2017) OP5"

  Scenario: A delivery within the cap is not prohibited
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | 2024-04-01 | transfer | CN       | KP        | 2710 | 100000   | barrel |
    When the events are evaluated
    Then no event is flagged

  Scenario: Oil reported without a figure is a potential violation
    Given the following events:
      | id  | date       | kind     | supplier | recipient | category          | quantity |
      | oil | 2024-04-01 | transfer | RU       | KP        | refined petroleum | unknown  |
    When the events are evaluated
    Then event "oil" is a potential violation

  Scenario: Refuelling a civil flight abroad is exempt from the aviation-fuel ban
    Given the following events:
      | id   | date       | kind     | supplier | recipient | category      | flags                       | quantity | unit   |
      | fuel | 2019-01-01 | transfer | CN       | KP        | aviation fuel | civil-aircraft-outside-dprk | 200      | barrel |
    When the events are evaluated
    Then event "fuel" is exempt

  Scenario Outline: 2375's first cap period starts on 1 October 2017; before it, nothing was allowed
    Given the following events:
      | id     | date   | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | <date> | transfer | CN       | KP        | 2710 | 1000     | barrel |
    When the events are evaluated
    Then event "diesel" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-09-30 | a violation    |
      | 2017-10-01 | not prohibited |

  Scenario Outline: The law as it stood in November 2017 capped 2018 at 2,000,000 barrels
    Given the law as of "<as_of>"
    And the following events:
      | id      | date       | kind     | supplier | recipient | hs   | quantity | unit   |
      | tankers | 2018-06-01 | transfer | CN       | KP        | 2710 | 1000000  | barrel |
    When the events are evaluated
    Then event "tankers" is <verdict>

    Examples:
      | as_of      | verdict        |
      | 2017-12-21 | not prohibited |
      | 2017-12-22 | a violation    |
