"""Mail the desk sends about tickets: agent replies, notes, the acknowledgment, reminders."""
