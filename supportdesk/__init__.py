"""SupportDesk: a help desk for a software vendor's technical support."""
