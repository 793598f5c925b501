"""(to be filled in)"""
