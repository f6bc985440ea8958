"""Summaries -> what people see: digest and /summary embeds, trend charts as PNG bytes."""
