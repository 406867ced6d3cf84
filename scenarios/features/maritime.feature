@sanctionsengine
Feature: Ship-to-ship transfers, vessels and helicopters, and shipping services
  Transfers at sea with DPRK-flagged vessels of goods going to or from the DPRK are banned from
  11 September 2017 (2375 OP11). New helicopters and vessels may not be supplied to the DPRK from
  30 November 2016 (2321 OP30), and no vessel at all, new or used, from 22 December 2017 (2397
  OP14). Insuring or keeping on a register a vessel the DPRK owns or operates is banned from
  30 November 2016 (2321 OP22, OP24).

  Scenario: Diesel passed at sea to a DPRK-flagged tanker is a violation, whatever the cap
    Given the following events:
      | id     | date       | kind     | supplier | recipient | hs     | quantity | unit   | flags                              |
      | tanker | 2019-05-01 | transfer | CN       | KP        | 271019 | 1000     | barrel | ship-to-ship, dprk-flagged-vessel |
    When the events are evaluated
    Then event "tanker" is a violation
    And event "tanker" is flagged under "S/RES/2375 (2017) OP11"
    And rule "dprk.maritime.ship-to-ship" finds event "tanker" a violation

  Scenario: A transfer at sea between vessels under other flags is not a ship-to-ship breach
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs     | quantity | unit   | flags        |
      | transfer | 2019-05-01 | transfer | CN       | KP        | 271019 | 1000     | barrel | ship-to-ship |
    When the events are evaluated
    Then event "transfer" is not flagged by rule "dprk.maritime.ship-to-ship"

  Scenario: A second-hand cargo ship sold to the DPRK before 2397 is cleared
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   | flags |
      | ship | 2017-03-01 | transfer | CN       | KP        | 8901 | used  |
    When the events are evaluated
    Then event "ship" is not prohibited

  Scenario: A vessel supplied in 2017 that the report does not call new or used is a potential violation
    Given the following events:
      | id   | date       | kind     | supplier | recipient | hs   |
      | boat | 2017-05-01 | transfer | CN       | KP        | 8902 |
    When the events are evaluated
    Then event "boat" is a potential violation
    And event "boat" is flagged under "2321 OP30"

  Scenario: Insuring a vessel a DPRK company operates breaches 2321 OP22
    Given the following events:
      | id     | date       | kind    | supplier | recipient | category         |
      | policy | 2019-03-01 | service | GB       | KP        | marine-insurance |
    When the events are evaluated
    Then event "policy" is a violation
    And rule "dprk.maritime.insurance-dprk-vessels" finds event "policy" a violation
    And rule "dprk.maritime.insurance-prohibited-activity" finds event "policy" a potential violation

  Scenario Outline: Ship-to-ship transfers with DPRK-flagged vessels are banned from 11 September 2017
    Given the following events:
      | id  | date   | kind     | supplier | recipient | hs   | flags                              |
      | sts | <date> | transfer | KP       | CN        | 2701 | ship-to-ship, dprk-flagged-vessel |
    When the events are evaluated
    Then rule "dprk.maritime.ship-to-ship" finds event "sts" <outcome>

    Examples:
      | date       | outcome        |
      | 2017-09-10 | not prohibited |
      | 2017-09-11 | a violation    |

  Scenario Outline: Used vessels to the DPRK are banned from 22 December 2017
    Given the following events:
      | id   | date   | kind     | supplier | recipient | hs   | flags |
      | ship | <date> | transfer | CN       | KP        | 8901 | used  |
    When the events are evaluated
    Then event "ship" is <verdict>

    Examples:
      | date       | verdict        |
      | 2017-12-21 | not prohibited |
      | 2017-12-22 | a violation    |

  Scenario: Bunkering a DPRK vessel and letting one into port turn on reasonable grounds about its cargo
    Given the following events:
      | id     | date       | kind    | supplier | recipient | category   |
      | fuel   | 2012-05-01 | service | SG       | KP        | bunkering  |
      | call   | 2018-05-01 | service | CN       | KP        | port entry |
    When the events are evaluated
    Then event "fuel" is a potential violation
    And event "fuel" is flagged by rule "dprk.maritime.bunkering"
    And event "call" is a potential violation
    And event "call" is flagged by rule "dprk.maritime.port-entry-prohibited-cargo"
