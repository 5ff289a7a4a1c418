"""The static site: model -> pages (Jinja2 templates in templates/, static files in
static/), each with a key of what it shows, so a build renders only what changed."""

from .plan import Page, plan_site, render_site, site_files, theme_dir

__all__ = ["Page", "plan_site", "render_site", "site_files", "theme_dir"]
