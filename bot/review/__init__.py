"""The operators' and clinicians' review web app (Starlette + Jinja2, server-rendered)."""
