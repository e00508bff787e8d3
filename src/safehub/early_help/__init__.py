"""Early help episodes, assessments, Team Around the Family and family plans (issue 9). Built by its own issue; present so the layer contracts name it."""
