@sanctionsengine
Feature: DPRK nationals working abroad
  States may grant no new work authorizations to DPRK nationals (2375 OP17, from 11 September 2017)
  and had to send home every DPRK national earning income by 22 December 2019 (2397 OP8).

  Scenario: Newly admitted DPRK workers in 2024 breach both measures
    Given the following events:
      | id      | date       | kind       | supplier | recipient | flags        |
      | workers | 2024-03-01 | employment | KP       | RU        | new-arrivals |
    When the events are evaluated
    Then event "workers" is a violation
    And event "workers" is flagged under "S/RES/2397 (2017) OP8"
    And event "workers" is flagged under "2375 OP17"

  Scenario: Russian workers in the DPRK are not the measure's concern
    Given the following events:
      | id      | date       | kind       | supplier | recipient |
      | russians | 2024-03-01 | employment | RU       | KP        |
    When the events are evaluated
    Then event "russians" is not prohibited
    And no violation is reported

  Scenario Outline: Earning income abroad breaches 2397 OP8 only after 22 December 2019
    Given the following events:
      | id      | date   | kind       | supplier | recipient |
      | earners | <date> | employment | KP       | CN        |
    When the events are evaluated
    Then rule "dprk.labour.repatriation" finds event "earners" <outcome>

    Examples:
      | date       | outcome        |
      | 2019-12-22 | not prohibited |
      | 2019-12-23 | a violation    |

  Scenario: Workers arriving between 2371 and 2375 meet the freeze on work authorizations
    Given the following events:
      | id       | date       | kind       | supplier | recipient | flags        |
      | arrivals | 2017-08-20 | employment | KP       | RU        | new-arrivals |
    When the events are evaluated
    Then event "arrivals" is a potential violation
    And event "arrivals" is flagged under "S/RES/2371 (2017) OP11"

  Scenario: Workers arriving after 2375 under a contract made before it pass the bar but still meet the freeze
    Given the following events:
      | id       | date       | kind       | supplier | recipient | flags                        | exemption                                  |
      | arrivals | 2017-10-01 | employment | KP       | RU        | new-arrivals, prior-contract | dprk.exemption.work-authorization-approval |
    When the events are evaluated
    Then rule "dprk.labour.new-work-authorizations" finds event "arrivals" exempt
    And rule "dprk.labour.work-authorization-freeze" finds event "arrivals" a potential violation
    And event "arrivals" is a potential violation

  Scenario: A refugee the State may not send back is exempt from repatriation
    Given the following events:
      | id      | date       | kind       | supplier | recipient | flags          | exemption                                |
      | refugee | 2021-05-01 | employment | KP       | KR        | income-earning | dprk.exemption.repatriation-protected    |
    When the events are evaluated
    Then event "refugee" is exempt
