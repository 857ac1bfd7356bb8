def run(ctx):
    import lib
    raise lib.Skip("not written yet")
