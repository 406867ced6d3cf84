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

  Scenario: A delivery within the cap, notified in time, is not prohibited
    Given the following events:
      | id     | date       | kind         | supplier | recipient | concerns | hs   | quantity | unit   | refers_to |
      | diesel | 2024-04-01 | transfer     | CN       | KP        |          | 2710 | 100000   | barrel |           |
      | notice | 2024-04-20 | notification | CN       |           | KP       |      |          |        | diesel    |
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
    Then rule "dprk.oil.aviation-fuel" finds event "fuel" exempt

  Scenario Outline: 2375's first cap period starts on 1 October 2017; before it, nothing was allowed
    Given the following events:
      | id     | date   | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | <date> | transfer | CN       | KP        | 2710 | 1000     | barrel |
    When the events are evaluated
    Then rule "dprk.oil.refined-petroleum-before-cap" finds event "diesel" <verdict>

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

  Scenario: Deliveries by every supplier add up, and the one that takes the year past the cap is a violation
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs   | quantity | unit   | confidence |
      | march | 2024-03-10 | transfer | RU       | KP        | 2710 | 300000   | barrel | confirmed  |
      | april | 2024-04-10 | transfer | CN       | KP        | 2710 | 150000   | barrel | confirmed  |
      | may   | 2024-05-10 | transfer | RU       | KP        | 2710 | 31200    | barrel | confirmed  |
      | june  | 2024-06-10 | transfer | CN       | KP        | 2710 | 10000    | barrel | confirmed  |
      | july  | 2024-07-10 | transfer | RU       | KP        | 2710 | 20000    | barrel | confirmed  |
    When the events are evaluated
    Then rule "dprk.oil.refined-petroleum" finds event "march" not prohibited
    And event "april" crosses 90% of the cap
    And event "may" crosses 95% of the cap
    And the running total after event "may" is 481,200 barrels
    And rule "dprk.oil.refined-petroleum" finds event "june" a violation
    And the running total after event "july" is 511,200 barrels
    And rule "dprk.oil.refined-petroleum" finds event "july" a violation

  Scenario: A delivery of unknown quantity makes later totals a lower bound
    Given the following events:
      | id      | date       | kind     | supplier | recipient | hs   | quantity | unit   |
      | unknown | 2024-03-01 | transfer | RU       | KP        | 2710 | unknown  |        |
      | known   | 2024-04-01 | transfer | RU       | KP        | 2710 | 100000   | barrel |
    When the events are evaluated
    Then event "unknown" is a potential violation
    And the running total after event "known" is at least 100,000 barrels

  Scenario: Each supply must be notified to the Committee within 30 days
    Given the notification records are complete through "2024-12-31"
    And the following events:
      | id        | date       | kind         | supplier | recipient | concerns | hs   | quantity | unit   | refers_to |
      | notified  | 2024-03-01 | transfer     | CN       | KP        |          | 2710 | 1000     | barrel |           |
      | silent    | 2024-03-05 | transfer     | RU       | KP        |          | 2710 | 1000     | barrel |           |
      | notice    | 2024-03-20 | notification | CN       |           | KP       |      |          |        | notified  |
    When the events are evaluated
    Then rule "dprk.oil.refined-petroleum-notification" finds event "notified" not prohibited
    And rule "dprk.oil.refined-petroleum-notification" finds event "silent" a violation
    And event "silent" is flagged under "S/RES/2397 (2017) OP5(a)"

  Scenario Outline: A delivery is judged by the cap of its own date
    Given the following events:
      | id     | date   | kind     | supplier | recipient | hs   | quantity | unit   |
      | diesel | <date> | transfer | CN       | KP        | 2710 | 1000     | barrel |
    When the events are evaluated
    Then rule "dprk.oil.refined-petroleum" judges event "diesel" by version "<version>"

    Examples:
      | date       | version             |
      | 2017-10-01 | 2375-initial-period |
      | 2017-11-15 | 2375-initial-period |
      | 2017-12-31 | 2375-initial-period |
      | 2018-01-01 | 2397                |

  Scenario: Crude oil in October 2017 is judged by the 2375 freeze, whose baseline reports rarely give
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs     | quantity | unit  |
      | crude | 2017-10-15 | transfer | CN       | KP        | 270900 | 100000   | tonne |
    When the events are evaluated
    Then event "crude" is a potential violation
    And event "crude" is flagged under "S/RES/2375 (2017) OP15"

  Scenario: After 2397 a crude delivery within the world's cap may still exceed its supplier's own 2375 ceiling
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs     | quantity | unit  |
      | crude | 2019-03-01 | transfer | CN       | KP        | 270900 | 100000   | tonne |
    When the events are evaluated
    Then rule "dprk.oil.crude-oil" finds event "crude" not prohibited
    And rule "dprk.oil.crude-freeze" finds event "crude" a potential violation
    And event "crude" is a potential violation
    And event "crude" is flagged under "S/RES/2375 (2017) OP15"
