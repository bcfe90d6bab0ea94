"""Icons and themes of Issue Ledger, installed as the ``app_resources`` package.

Read them through ``app.ui.resource_files`` (importlib.resources), never by path,
so they load from a source checkout, a wheel and the frozen build alike.
"""
