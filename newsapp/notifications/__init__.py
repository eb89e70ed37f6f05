"""Follow what matters and hear when it changes: follows, notifications, the inbox, emails
(at once or in a daily digest), one-click unsubscribe, and a private Atom feed per reader."""
