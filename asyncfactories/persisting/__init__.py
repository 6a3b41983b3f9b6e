"""Writing built objects: finding the session, the bridge into its greenlet, the call pipeline,
the bulk INSERT path, get-or-create, and what keeps a failing call from leaving rows behind."""
