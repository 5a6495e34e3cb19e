"""The web calculator: ``footprint serve``, a local web app over the same library.

The layer above ``cli``: its forms are the command line's options (each page names a
command; a form's fields become that command's arguments and are parsed by the command's
own click parameters, so an error is the command line's text), its results come from the
same analyses and render modules, and every result shows the equivalent ``footprint ...``
command. Nothing is computed twice and nothing leaves the machine.

- :mod:`footprint.web.forms`: fields, the arguments they make, parsing and field errors.
- :mod:`footprint.web.pages`: the five pages (a training run or job, an inference
  service, a regional comparison, a change decomposition, a measured log re-accounted).
- :mod:`footprint.web.views`: results as rows for the templates, and the downloads.
- :mod:`footprint.web.charts`: server-side SVG bar charts (no JavaScript library).
- :mod:`footprint.web.app`: the Starlette application (needs the ``web`` extra).
- :mod:`footprint.web.command`: the ``footprint serve`` command (uvicorn).
"""
