"""Every write to the domain goes through a service: `<noun>_<verb>`, keyword-only arguments."""
