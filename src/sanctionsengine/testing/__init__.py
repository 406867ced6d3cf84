"""Testing support: law tests as data, and (as a pytest plugin) the Gherkin step library."""
