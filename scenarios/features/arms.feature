@sanctionsengine
Feature: Arms and related materiel, both directions
  No arms to the DPRK (1718 OP8(a)(i), widened by 1874 OP10 and 2270 OP6), no arms from it
  (1718 OP8(b), 1874 OP9), and no technical help either way (1718 OP8(c)).

  Scenario: DPRK shells delivered to Russia breach the export and procurement bans
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   | category            | confidence | claimed_by        |
      | shells | 2024-01-15 | transfer | KP       | RU        | 9306 | munitions           | alleged    | the United States |
    When the events are evaluated
    Then event "shells" is a violation
    And event "shells" is flagged by rule "dprk.arms.export"
    And event "shells" is flagged by rule "dprk.arms.procurement"
    And event "shells" is flagged under "1874 OP9"

  Scenario: Arms between two other States are out of scope
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   |
      | shells | 2024-01-15 | transfer | KR       | UA        | 9306 |
    When the events are evaluated
    Then event "shells" is out of scope

  Scenario: An offer of tanks is a potential violation, not a violation
    Given the following events:
      | id    | date       | kind  | offered  | supplier | recipient | hs     |
      | tanks | 2024-06-19 | offer | transfer | RU       | KP        | 871000 |
    When the events are evaluated
    Then event "tanks" is a potential violation
    And event "tanks" is flagged under "S/RES/2270 (2016) OP6"

  Scenario Outline: Small arms join the supply ban on 2 March 2016 (2270 OP6)
    Given the following events:
      | id      | date   | kind     | supplier | recipient | hs   |
      | pistols | <date> | transfer | CN       | KP        | 9302 |
    When the events are evaluated
    Then rule "dprk.arms.supply" finds event "pistols" <outcome>

    Examples:
      | date       | outcome        |
      | 2016-03-01 | not prohibited |
      | 2016-03-02 | a violation    |

  Scenario Outline: Small-arms ammunition and sporting cartridges are not Register-category materiel
    Given the following events:
      | id    | date   | kind     | supplier | recipient | hs   |
      | rounds | <date> | transfer | RU       | KP        | <hs> |
    When the events are evaluated
    Then event "rounds" is <verdict>

    Examples:
      | date       | hs     | verdict               |
      | 2008-05-01 | 930621 | not prohibited        |
      | 2008-05-01 | 930690 | a violation           |
      | 2012-05-01 | 930630 | not prohibited        |
      | 2012-05-01 | 930690 | a violation           |
      | 2016-03-02 | 930630 | a violation           |

  Scenario: Hosting DPRK police trainers breaches 2270 OP9
    Given the following events:
      | id       | date       | kind     | supplier | recipient | category                 |
      | trainers | 2018-05-01 | training | KP       | UG        | military police training |
    When the events are evaluated
    Then event "trainers" is a violation
    And event "trainers" is flagged under "S/RES/2270 (2016) OP9"

  Scenario: Goods for the DPRK's armed forces turn on a State's determination (2270 OP8)
    Given the following events:
      | id     | date       | kind     | supplier | recipient | category                  |
      | trucks | 2018-05-01 | transfer | CN       | KP        | armed forces contribution |
    When the events are evaluated
    Then event "trucks" is a potential violation
    And event "trucks" is flagged by rule "dprk.arms.armed-forces-catch-all"
