"""The web desk: editors, approvers and the operator work from a browser or a phone.

A face like the CLI: handlers parse, check the role, call the same services, render a template.
"""
