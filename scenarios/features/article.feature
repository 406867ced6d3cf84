@sanctionsengine
Feature: The dealings reported during Putin's visit to Pyongyang (June 2024)
  The verdicts an analyst should get from the article scenario, with the measure behind each.

  Background:
    Given the scenario file "../pyongyang-visit-2024.yaml"
    When the scenario is evaluated

  Scenario: DPRK munitions to Russia breach the arms export and procurement bans
    Then event "munitions-to-russia" is a violation
    And event "munitions-to-russia" is flagged by rule "dprk.arms.export"
    And event "munitions-to-russia" is flagged by rule "dprk.arms.procurement"

  Scenario: Russia's offer of missile and satellite technology is a potential violation
    Then event "missile-space-technology-offer" is a potential violation

  Scenario: DPRK workers in Russia in 2024 breach 2397 OP8 and 2375 OP17
    Then event "dprk-workers-in-russia-2024" is a violation
    And event "dprk-workers-in-russia-2024" is flagged under "S/RES/2397 (2017) OP8"
    And event "dprk-workers-in-russia-2024" is flagged under "S/RES/2375 (2017) OP17"

  Scenario: Oil above the cap with no figure is a potential violation
    Then event "oil-beyond-cap" is a potential violation
    And event "oil-beyond-cap" is flagged under "2397 OP5"

  Scenario: Food aid and tourists are not prohibited
    Then event "grain-and-food-aid" is not prohibited
    And the nearest measure for event "grain-and-food-aid" is rule "dprk.export.food-agricultural"
    And event "russian-tourists" is not prohibited

  Scenario: The Aurus limousine breaches the luxury ban and 2397 OP7
    Then event "aurus-limousine" is a violation
    And event "aurus-limousine" is flagged under "1718 OP8(a)(iii)"
    And event "aurus-limousine" is flagged under "2397 OP7"

  Scenario: The May 2024 satellite launch breaches the launch ban
    Then event "satellite-launch-may-2024" is a violation

  Scenario: The treaty, the Vostochny visit and the veto are not transactions
    Then event "partnership-treaty" is not prohibited
    And event "vostochny-visit" is not prohibited
    And event "panel-of-experts-veto" is not prohibited

  Scenario: South Korean shells and Japanese aid to Ukraine are out of scope
    Then event "rok-shells-to-ukraine" is out of scope
    And event "japan-aid-to-ukraine" is out of scope
