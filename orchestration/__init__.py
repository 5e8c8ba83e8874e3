"""Open government information (政府信息公开) annual-report warehouse."""
