"""The tools that build the site from `snippets/`: sync, figures, notebooks and the MkDocs hooks."""
