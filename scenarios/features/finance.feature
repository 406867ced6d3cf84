@sanctionsengine
Feature: Bulk cash, gold, DPRK banks and financial support for trade
  States must prevent financial services and transfers of assets, bulk cash and gold included,
  that could contribute to the DPRK's programmes or to evasion (2094 OP11, OP14; 2270 OP37): a
  report rarely shows that link, so these are potential violations. Relationships with DPRK
  banks had to end by 31 May 2016 (2270 OP33), and financial support for trade with the DPRK is
  banned outright from 30 November 2016 (2321 OP32).

  Scenario: A courier carrying bulk cash to Pyongyang is a potential violation that names the missing link
    Given the following events:
      | id      | date       | kind     | supplier | recipient | category  |
      | courier | 2017-04-01 | transfer | CN       | KP        | bulk-cash |
    When the events are evaluated
    Then event "courier" is a potential violation
    And event "courier" is flagged under "S/RES/2094 (2013) OP11"
    And event "courier" is flagged under "2094 OP14"

  Scenario: A correspondent relationship with a DPRK bank in 2017 is a violation
    Given the following events:
      | id            | date       | kind      | supplier | recipient | category               |
      | correspondent | 2017-05-01 | financial | CN       | KP        | dprk-bank-relationship |
    When the events are evaluated
    Then event "correspondent" is a violation
    And event "correspondent" is flagged under "2270 OP33"

  Scenario: An existing correspondent relationship being wound down in April 2016 is cleared
    Given the following events:
      | id            | date       | kind      | supplier | recipient | category               | flags            |
      | correspondent | 2016-04-01 | financial | CN       | KP        | dprk-bank-relationship | existing-venture |
    When the events are evaluated
    Then event "correspondent" is not prohibited

  Scenario: Gold carried to the DPRK is flagged under 2270 OP37
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   |
      | gold | 2018-03-01 | transfer | CN       | KP        | 7108 |
    When the events are evaluated
    Then event "gold" is a potential violation
    And event "gold" is flagged under "2270 OP37"

  Scenario Outline: Existing relationships with DPRK banks had to end by 31 May 2016
    Given the following events:
      | id            | date   | kind      | supplier | recipient | category               | flags            |
      | correspondent | <date> | financial | CN       | KP        | dprk-bank-relationship | existing-venture |
    When the events are evaluated
    Then event "correspondent" is <verdict>

    Examples:
      | date       | verdict        |
      | 2016-05-31 | not prohibited |
      | 2016-06-01 | a violation    |

  Scenario Outline: Financial support for trade with the DPRK is banned outright from 30 November 2016
    Given the following events:
      | id     | date   | kind      | supplier | recipient | category      |
      | credit | <date> | financial | CN       | KP        | trade-finance |
    When the events are evaluated
    Then rule "dprk.finance.trade-support" finds event "credit" <outcome>

    Examples:
      | date       | outcome               |
      | 2016-11-29 | a potential violation |
      | 2016-11-30 | a violation           |

  Scenario: Government and Party assets, mission accounts and mission property (2270 OP32, 2321 OP16, OP18)
    Given the following events:
      | id      | date       | kind      | supplier | recipient | category                        |
      | party   | 2017-05-01 | financial | CN       | KP        | government party assets         |
      | account | 2018-05-01 | financial | DE       | KP        | mission bank account            |
      | hostel  | 2019-05-01 | service   | KP       | DE        | mission property non diplomatic |
    When the events are evaluated
    Then event "party" is a potential violation
    And event "account" is a potential violation
    And event "hostel" is a violation
    And event "hostel" is flagged under "S/RES/2321 (2016) OP18"
