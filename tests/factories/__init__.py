"""Test data builders. Users are created through lms.services so roles are real groups."""
