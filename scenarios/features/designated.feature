@sanctionsengine
Feature: Designated persons, entities and vessels
  Dealings with a party on the UN 1718 list breach the asset freeze (1718 OP8(d)); a designated
  individual's travel breaches the travel ban (1718 OP8(e)); a designated vessel is held to the
  measures its own listing imposes, as the Committee's vessels list marks them: the asset freeze
  (2270 OP12, 2321 OP12(d)), the port-entry ban (2371 OP6, 2375 OP6). An IMO number or a UN
  reference number decides a match; a name that only resembles a listed one is a possible match.
  The lists are read from the shared data directory, never bundled.

  Background:
    Given the UN 1718 list in "../../../shared/data/un-1718/dprk-1718-list.xml"
    And the designated vessels list in "../../../shared/data/un-1718/dprk-1718-vessels.json"

  Scenario: Bunkering a designated vessel, known by its IMO number, is a violation
    Given the following events:
      | id        | date       | kind     | supplier | recipient | category          | vessel      | imo     |
      | bunkering | 2019-06-01 | transfer | CN       | KP        | refined petroleum | CHON MA SAN | 8660313 |
    When the events are evaluated
    Then event "bunkering" is a violation
    And event "bunkering" is flagged by rule "dprk.designated.vessel.committee-freeze"
    And event "bunkering" matches listing "IMO 8660313"

  Scenario: A misspelt vessel name is a possible match, a potential violation
    Given the following events:
      | id     | date       | kind    | supplier | recipient | vessel    |
      | repair | 2019-06-01 | service | CN       | KP        | Chonmasan |
    When the events are evaluated
    Then event "repair" is a potential violation
    And event "repair" is flagged by rule "dprk.designated.vessel.committee-freeze"
    And event "repair" matches listing "IMO 8660313"

  Scenario: A clearly different vessel name matches nothing
    Given the following events:
      | id     | date       | kind    | supplier | recipient | vessel        |
      | repair | 2019-06-01 | service | CN       | KR        | Ocean Breeze |
    When the events are evaluated
    Then event "repair" matches no listing
    And event "repair" is not flagged by rule "dprk.designated.vessel.committee-freeze"
    And event "repair" is not flagged by rule "dprk.designated.vessel.port-entry"

  Scenario Outline: A vessel counts as designated from its listing date (CHON MA SAN: 30 March 2018)
    Given the following events:
      | id     | date   | kind    | supplier | recipient | vessel      | imo     |
      | repair | <date> | service | CN       | KR        | CHON MA SAN | 8660313 |
    When the events are evaluated
    Then rule "dprk.designated.vessel.committee-freeze" finds event "repair" <verdict>

    Examples:
      | date       | verdict        |
      | 2018-03-29 | not prohibited |
      | 2018-03-30 | a violation    |

  Scenario: A vessel listed for the port-entry ban only gets no asset-freeze finding
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs   | vessel       | imo     |
      | cargo | 2018-06-01 | transfer | CN       | CN        | 8471 | UL JI BONG 6 | 9114555 |
    When the events are evaluated
    Then event "cargo" is a potential violation
    And event "cargo" is flagged by rule "dprk.designated.vessel.port-entry"
    And event "cargo" is flagged under "S/RES/2371 (2017) OP6"
    And event "cargo" is not flagged by rule "dprk.designated.vessel.asset-freeze"
    And event "cargo" is not flagged by rule "dprk.designated.vessel.committee-freeze"
    And event "cargo" is not flagged by rule "dprk.designated.vessel"

  Scenario: A payment to a listed entity, named by its UN reference, breaches the asset freeze
    Given the following events:
      | id      | date       | kind      | supplier | recipient | recipient_name                 | recipient_ref |
      | payment | 2021-02-01 | financial | CN       | KP        | Ocean Maritime Management | KPe.020       |
    When the events are evaluated
    Then event "payment" is a violation
    And event "payment" is flagged under "1718 OP8(d)"
    And event "payment" matches listing "KPe.020"

  Scenario: A listed individual's alias is a possible match for the travel ban
    Given the following events:
      | id    | date       | kind  | supplier | recipient | supplier_name  |
      | visit | 2020-01-10 | visit | KP       | RU        | Jang Myong-Jin |
    When the events are evaluated
    Then rule "dprk.designated.travel-ban" finds event "visit" a potential violation
    And event "visit" matches listing "KPi.007"

  Scenario: A company whose name resembles no listed one is not screened in
    Given the following events:
      | id   | date       | kind      | supplier | recipient | recipient_name             |
      | sale | 2021-02-01 | financial | CN       | RU        | Vladivostok Fisheries Ltd |
    When the events are evaluated
    Then event "sale" matches no listing
    And event "sale" is not flagged by rule "dprk.designated.asset-freeze"
