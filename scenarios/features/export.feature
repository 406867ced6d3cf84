@sanctionsengine
Feature: Goods the DPRK may not export
  The DPRK may not export, and no State may buy from it: coal, iron and iron ore (fully banned
  from 5 August 2017, 2371 OP8, after a 2016-17 cap on coal); gold, titanium ore, vanadium ore and
  rare earth minerals (from 2 March 2016, 2270 OP30); copper, nickel, silver, zinc and statues
  (from 30 November 2016, 2321 OP28 and OP29); seafood and lead (from 5 August 2017, 2371 OP9 and
  OP10), fishing rights included; textiles (from 11 September 2017, 2375 OP16); and, from
  22 December 2017, food and agricultural products (HS 12, 08, 07), machinery (84), electrical
  equipment (85), earth and stone (25), wood (44) and vessels (89) (2397 OP6). Contracts signed
  before a ban could be completed for a short time, and foreign coal may transit Rajin.

  Scenario: DPRK timber sold to China is a violation
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   |
      | timber | 2019-06-01 | transfer | KP       | CN        | 4403 |
    When the events are evaluated
    Then event "timber" is a violation
    And event "timber" is flagged under "S/RES/2397 (2017) OP6"

  Scenario: Food supplied to the DPRK is not prohibited, and the report names the export ban
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs         | category |
      | grain | 2024-03-01 | transfer | RU       | KP        | 1001, 1101 | food     |
    When the events are evaluated
    Then event "grain" is not prohibited
    And the nearest measure for event "grain" is rule "dprk.export.food-agricultural"

  Scenario Outline: The export ban starts on 22 December 2017
    Given the following events:
      | id       | date   | kind     | supplier | recipient | hs   |
      | magnesia | <date> | transfer | KP       | CN        | 2519 |
    When the events are evaluated
    Then event "magnesia" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-12-21 | not prohibited |
      | 2017-12-22 | a violation    |

  Scenario: DPRK coal delivered to China in 2019 breaches the full coal ban
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs     | quantity | unit  |
      | coal | 2019-06-01 | transfer | KP       | CN        | 270112 | 5000     | tonne |
    When the events are evaluated
    Then event "coal" is a violation
    And event "coal" is flagged under "S/RES/2371 (2017) OP8"
    And rule "dprk.export.coal-iron" judges event "coal" by version "2371"

  Scenario: Russian coal shipped through the Rajin-Khasan project is cleared, unless it was never notified
    Given the following events:
      | id         | date       | kind     | supplier | recipient | hs   | flags                      |
      | notified   | 2018-04-01 | transfer | KP       | KR        | 2701 | rajin-khasan               |
      | unnotified | 2018-04-01 | transfer | KP       | KR        | 2701 | rajin-khasan, not-notified |
    When the events are evaluated
    Then event "notified" is exempt
    And event "unnotified" is a violation

  Scenario: In 2017, before the full ban, DPRK coal was allowed within a yearly ceiling for all buyers together
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs   | quantity | unit  | confidence |
      | january  | 2017-01-20 | transfer | KP       | CN        | 2701 | 2000000  | tonne | confirmed  |
      | february | 2017-02-10 | transfer | KP       | CN        | 2701 | 5200000  | tonne | confirmed  |
      | march    | 2017-03-01 | transfer | KP       | MY        | 2701 | 100000   | tonne | confirmed  |
    When the events are evaluated
    Then event "january" is not prohibited
    And event "february" crosses 95% of the cap
    And the running total after event "february" is 7,200,000 tonnes
    And event "march" is a violation
    And event "march" is flagged under "S/RES/2321 (2016) OP26(b)"

  Scenario: Selling fishing rights is banned like seafood
    Given the following events:
      | id       | date       | kind     | supplier | recipient | category       | flags          |
      | licences | 2018-06-01 | transfer | KP       | CN        | fishing rights | fishing-rights |
    When the events are evaluated
    Then event "licences" is a violation
    And event "licences" is flagged under "S/RES/2397 (2017) OP6"
    And event "licences" is flagged by rule "dprk.export.fishing-rights"

  Scenario: Fish and fabric supplied to the DPRK are not prohibited: the bans are on its exports
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs   |
      | fish   | 2018-06-01 | transfer | RU       | KP        | 0303 |
      | fabric | 2018-06-01 | transfer | CN       | KP        | 5208 |
    When the events are evaluated
    Then event "fish" is not prohibited
    And event "fabric" is not prohibited
    And the nearest measure for event "fabric" is rule "dprk.export.textiles"

  Scenario Outline: Seafood under a contract signed before 5 August 2017 could be imported until 4 September 2017
    Given the following events:
      | id   | date   | kind     | supplier | recipient | hs   | flags          |
      | crab | <date> | transfer | KP       | CN        | 0306 | prior-contract |
    When the events are evaluated
    Then event "crab" is <verdict>

    Examples:
      | date       | verdict     |
      | 2017-09-04 | exempt      |
      | 2017-09-05 | a violation |

  Scenario Outline: The textile ban starts on 11 September 2017 (2375 OP16)
    Given the following events:
      | id    | date   | kind     | supplier | recipient | hs   |
      | suits | <date> | transfer | KP       | CN        | 6203 |
    When the events are evaluated
    Then event "suits" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-09-10 | not prohibited |
      | 2017-09-11 | a violation    |

  Scenario Outline: The coal cap gave way to the full ban on 5 August 2017
    Given the following events:
      | id   | date   | kind     | supplier | recipient | hs   | quantity | unit  |
      | coal | <date> | transfer | KP       | CN        | 2701 | 10000    | tonne |
    When the events are evaluated
    Then event "coal" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-08-04 | not prohibited |
      | 2017-08-05 | a violation    |

  Scenario: Iron ore under an earlier contract had 30 days of grace; coal had none
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   | flags          |
      | ore  | 2017-08-20 | transfer | KP       | CN        | 2601 | prior-contract |
      | coal | 2017-08-20 | transfer | KP       | CN        | 2701 | prior-contract |
    When the events are evaluated
    Then event "ore" is exempt
    And event "coal" is a violation

  Scenario: Gold, copper and statues have been banned since 2016
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs     |
      | gold   | 2016-06-01 | transfer | KP       | CN        | 710812 |
      | copper | 2017-05-01 | transfer | KP       | CN        | 7403   |
      | statue | 2018-06-01 | transfer | KP       | NA        | 9703   |
    When the events are evaluated
    Then event "gold" is flagged under "S/RES/2270 (2016) OP30"
    And event "copper" is flagged under "S/RES/2321 (2016) OP28"
    And event "statue" is flagged under "S/RES/2321 (2016) OP29"

  Scenario: Fish sent to the DPRK is told of the seafood ban first, not the broader food ban
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   |
      | fish | 2019-05-01 | transfer | RU       | KP        | 0303 |
    When the events are evaluated
    Then event "fish" is not prohibited
    And the nearest measure for event "fish" is rule "dprk.export.seafood"
