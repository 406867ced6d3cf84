@sanctionsengine
Feature: Exemptions: what they clear, and what a claim needs
  An exemption clears a finding only where it stands on evidence and, for the Committee's
  case-by-case approvals, on the Committee's reference. An exemption claimed without them leaves
  a potential violation, never a clearance. An exempt verdict names the exemption applied.

  Scenario: Tractors under a Committee humanitarian exemption, with its reference, are exempt
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs   | exemption                               | exemption_reference                      |
      | tractors | 2021-05-01 | transfer | CH       | KP        | 8701 | dprk.exemption.committee-humanitarian | 1718 Committee exemption of 12 Mar 2021 |
    When the events are evaluated
    Then event "tractors" is exempt
    And event "tractors" is exempt under rule "dprk.exemption.committee-humanitarian"

  Scenario: The same claim without the Committee's reference is not a clearance
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs   | exemption                               |
      | tractors | 2021-05-01 | transfer | CH       | KP        | 8701 | dprk.exemption.committee-humanitarian |
    When the events are evaluated
    Then event "tractors" is a potential violation
    And event "tractors" is flagged by rule "dprk.supply.transportation-vehicles"

  Scenario: A claim without evidence of its own is not a clearance either
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs   | exemption                               | exemption_reference | exemption_evidence |
      | tractors | 2021-05-01 | transfer | CH       | KP        | 8701 | dprk.exemption.committee-humanitarian | approval 2021/3     | no                 |
    When the events are evaluated
    Then event "tractors" is a potential violation

  Scenario: Nothing invoked, nothing exempted
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs   |
      | tractors | 2021-05-01 | transfer | CH       | KP        | 8701 |
    When the events are evaluated
    Then event "tractors" is a violation

  Scenario Outline: The Committee's general exemption power dates from 2321 OP46 (30 November 2016)
    Given the following events:
      | id     | date   | kind     | supplier | recipient | category     | exemption                               | exemption_reference |
      | pianos | <date> | transfer | CH       | KP        | luxury goods | dprk.exemption.committee-humanitarian | approval            |
    When the events are evaluated
    Then event "pianos" is <verdict>

    Examples:
      | date       | verdict     |
      | 2016-11-29 | a violation |
      | 2016-11-30 | exempt      |

  Scenario: Spare parts for a civil airliner are excepted from the vehicles ban (2397 OP7)
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs     | exemption                              |
      | parts | 2019-03-01 | transfer | RU       | KP        | 880330 | dprk.exemption.aircraft-spare-parts |
    When the events are evaluated
    Then event "parts" is exempt under rule "dprk.exemption.aircraft-spare-parts"

  Scenario: A whole aircraft is no spare part
    Given the following events:
      | id       | date       | kind     | supplier | recipient | hs     | exemption                              |
      | airliner | 2019-03-01 | transfer | RU       | KP        | 880240 | dprk.exemption.aircraft-spare-parts |
    When the events are evaluated
    Then event "airliner" is a violation

  Scenario: Humanitarian payments to a listed entity are exempt from the asset freeze from 2664
    Given the UN 1718 list in "../../../shared/data/un-1718/dprk-1718-list.xml"
    And the following events:
      | id        | date       | kind      | supplier | recipient | recipient_ref | exemption                                   |
      | logistics | 2023-03-01 | financial | CH       | KP        | KPe.020       | dprk.exemption.humanitarian-asset-freeze |
      | earlier   | 2022-12-08 | financial | CH       | KP        | KPe.020       | dprk.exemption.humanitarian-asset-freeze |
    When the events are evaluated
    Then event "logistics" is exempt under rule "dprk.exemption.humanitarian-asset-freeze"
    And event "earlier" is a violation

  Scenario: Textiles the Committee approved in advance are exempt (2375 OP16); without its reference they are not
    Given the following events:
      | id       | date       | kind     | supplier | recipient | category | exemption                          | exemption_reference             |
      | approved | 2018-03-01 | transfer | KP       | CN        | textiles | dprk.exemption.textiles-committee | 1718 Committee approval 2018/02 |
      | unproven | 2018-03-01 | transfer | KP       | CN        | textiles | dprk.exemption.textiles-committee |                                 |
    When the events are evaluated
    Then event "approved" is exempt under rule "dprk.exemption.textiles-committee"
    And event "unproven" is a potential violation
    And event "unproven" is flagged by rule "dprk.export.textiles"

  Scenario: A statue the Committee approved in advance is exempt (2321 OP29)
    Given the following events:
      | id     | date       | kind     | supplier | recipient | category | exemption                         | exemption_reference     |
      | statue | 2017-03-01 | transfer | KP       | NA        | statues  | dprk.exemption.statues-committee | 1718 Committee approval |
    When the events are evaluated
    Then event "statue" is exempt under rule "dprk.exemption.statues-committee"

  Scenario: A joint venture the Committee approved may keep operating after the closure deadline (2375 OP18)
    Given the following events:
      | id       | date       | kind          | supplier | recipient | flags            | exemption                                | exemption_reference     |
      | utility  | 2019-05-01 | joint-venture | CN       | KP        | existing-venture | dprk.exemption.joint-venture-committee | 1718 Committee approval |
      | unproven | 2019-05-01 | joint-venture | CN       | KP        | existing-venture | dprk.exemption.joint-venture-committee |                         |
    When the events are evaluated
    Then event "utility" is exempt under rule "dprk.exemption.joint-venture-committee"
    And event "unproven" is a potential violation

  Scenario: Expanding a venture needs the Committee's approval of the investment itself (2371 OP12)
    Given the following events:
      | id         | date       | kind      | supplier | recipient | category               | exemption                                | exemption_reference     |
      | approved   | 2018-05-01 | financial | CN       | KP        | jv additional investment | dprk.exemption.jv-expansion-committee  | 1718 Committee approval |
      | wrong-head | 2018-05-01 | financial | CN       | KP        | jv additional investment | dprk.exemption.joint-venture-committee | 1718 Committee approval |
    When the events are evaluated
    Then event "approved" is exempt under rule "dprk.exemption.jv-expansion-committee"
    And event "wrong-head" is a violation

  Scenario: The Committee may approve a correspondent relationship with a DPRK bank, not a DPRK bank's branch (2270 OP33)
    Given the following events:
      | id             | date       | kind      | supplier | recipient | category               | flags | exemption                                          | exemption_reference     |
      | correspondent  | 2017-05-01 | financial | CN       | KP        | dprk bank relationship |       | dprk.exemption.dprk-bank-relationship-committee | 1718 Committee approval |
      | branch         | 2016-04-01 | financial | CN       | KP        | dprk bank office       | new   | dprk.exemption.dprk-bank-relationship-committee | 1718 Committee approval |
    When the events are evaluated
    Then event "correspondent" is exempt under rule "dprk.exemption.dprk-bank-relationship-committee"
    And event "branch" is a violation
    And event "branch" is flagged by rule "dprk.finance.dprk-banks"

  Scenario: An existing bank office in the DPRK the Committee found required may stay open (2321 OP31); a new one may not
    Given the following events:
      | id       | date       | kind      | supplier | recipient | category              | flags            | exemption                                  | exemption_reference          |
      | existing | 2018-05-01 | financial | DE       | KP        | bank presence in dprk | existing-venture | dprk.exemption.offices-in-dprk-committee | 1718 Committee determination |
      | opened   | 2018-05-01 | financial | DE       | KP        | bank presence in dprk | new              | dprk.exemption.offices-in-dprk-committee | 1718 Committee determination |
    When the events are evaluated
    Then event "existing" is exempt under rule "dprk.exemption.offices-in-dprk-committee"
    And event "opened" is a violation

  Scenario Outline: Scientific cooperation: the Committee decides for nuclear, aerospace and advanced manufacturing, the State for other fields (2321 OP11)
    Given the following events:
      | id       | date       | kind        | supplier | recipient | category   | exemption   | exemption_reference   |
      | research | 2018-03-01 | cooperation | RU       | KP        | <field>    | <exemption> | <reference>           |
    When the events are evaluated
    Then event "research" is <verdict>

    Examples:
      | field                  | exemption                                        | reference               | verdict                 |
      | aerospace engineering  | dprk.exemption.scientific-cooperation-committee | 1718 Committee decision | exempt                  |
      | aerospace engineering  | dprk.exemption.scientific-cooperation-committee |                         | a potential violation   |
      | aerospace engineering  | dprk.exemption.scientific-cooperation-notified  |                         | a violation             |
      | advanced manufacturing | dprk.exemption.scientific-cooperation-committee | 1718 Committee decision | exempt                  |
      | other science field    | dprk.exemption.scientific-cooperation-notified  |                         | exempt                  |
      | other science field    | dprk.exemption.scientific-cooperation-committee | 1718 Committee decision | a violation             |

  Scenario Outline: Aircraft spare parts are exempt whatever their HS heading, a whole aircraft is not (2397 OP7)
    Given the following events:
      | id    | date       | kind     | supplier | recipient | hs   | exemption                            |
      | parts | 2019-03-01 | transfer | RU       | KP        | <hs> | dprk.exemption.aircraft-spare-parts |
    When the events are evaluated
    Then event "parts" is <verdict>

    Examples:
      | hs     | verdict     |
      | 841112 | exempt      |
      | 880330 | exempt      |
      | 880240 | a violation |

  Scenario: An embassy's payment to the Foreign Trade Bank is outside the asset freeze (2371 OP26), not outside 2094 OP11; another listed bank is not
    Given the UN 1718 list in "../../../shared/data/un-1718/dprk-1718-list.xml"
    And the following events:
      | id    | date       | kind      | supplier | recipient | recipient_ref | exemption                         |
      | ftb   | 2019-05-01 | financial | SE       | KP        | KPe.047       | dprk.exemption.ftb-knic-missions |
      | other | 2019-05-01 | financial | SE       | KP        | KPe.021       | dprk.exemption.ftb-knic-missions |
    When the events are evaluated
    Then rule "dprk.designated.asset-freeze" finds event "ftb" exempt
    And rule "dprk.finance.financial-services" finds event "ftb" a potential violation
    And event "other" is a violation

  Scenario Outline: A charter notified to the Committee as for livelihood was exempt only until 2321 (2270 OP19)
    Given the following events:
      | id      | date   | kind    | supplier | recipient | category                | flags              | exemption                                  | exemption_reference       |
      | charter | <date> | service | CN       | KP        | vessel aircraft leasing | livelihood-purpose | dprk.exemption.leasing-livelihood-notified | notification of 1 April 2016 |
    When the events are evaluated
    Then event "charter" is <verdict>

    Examples:
      | date       | verdict     |
      | 2016-05-01 | exempt      |
      | 2016-11-30 | a violation |
