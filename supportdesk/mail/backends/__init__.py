"""Mail sources behind one small contract (see ``base.MailSource``)."""
