"""Referrals, assessments, strategy discussions, s47 enquiries, conferences and plans (issue 5). Built by its own issue; present so the layer contracts name it."""
