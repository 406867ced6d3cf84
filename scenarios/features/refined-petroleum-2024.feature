@sanctionsengine
Feature: Refined petroleum to the DPRK in 2024, notified and estimated
  Against the 500,000-barrel cap for 2024: the deliveries notified to the 1718 Committee and
  Russia's unnotified deliveries from March to November as publicly estimated.

  Background:
    Given the scenario file "../refined-petroleum-2024.yaml"
    When the scenario is evaluated

  Scenario: The Committee Secretary's 75% alert point is passed in May
    Then event "cn-2024-05" crosses 75% of the cap
    And the running total after event "cn-2024-05" is at least 390,538 barrels

  Scenario: Russia's May deliveries take the year past 90%, 95% and the cap itself
    Then event "ru-2024-05" crosses 90% of the cap
    And event "ru-2024-05" crosses 95% of the cap
    And event "ru-2024-05" crosses 100% of the cap
    And event "ru-2024-05" is a violation
    And the running total after event "ru-2024-05" is at least 508,734 barrels

  Scenario: Every later delivery in 2024 is a violation, whoever the supplier
    Then rule "dprk.oil.refined-petroleum" finds event "cn-2024-06" a violation
    And rule "dprk.oil.refined-petroleum" finds event "ru-2024-10" a violation
    And the running total after event "ru-2024-11" is at least 1,168,679 barrels

  Scenario: Russia's estimated deliveries were never notified
    Then rule "dprk.oil.refined-petroleum-notification" finds event "ru-2024-03" a violation
    And rule "dprk.oil.refined-petroleum-notification" finds event "ru-2024-10" a violation
    And rule "dprk.oil.refined-petroleum-notification" finds event "ru-2024-11" not prohibited

  Scenario: Deliveries before the cap was reached stay within it
    Then rule "dprk.oil.refined-petroleum" finds event "ru-2024-01" not prohibited
    And rule "dprk.oil.refined-petroleum" finds event "ru-2024-04" not prohibited
