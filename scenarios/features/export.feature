@sanctionsengine
Feature: Goods the DPRK may not export (2397 OP6)
  From 22 December 2017 the DPRK may not export food and agricultural products (HS 12, 08, 07),
  machinery (84), electrical equipment (85), earth and stone (25), wood (44) or vessels (89).

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
