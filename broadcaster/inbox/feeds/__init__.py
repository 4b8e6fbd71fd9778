"""Upstream feeds: bulletins taken from another station's public feed (JSON Feed 1.1, Atom,
RSS) and from CAP 1.2 alerts, polled with conditional requests and taken into the bulletin store
through the intake journal, with their feed and item id recorded.

``fetch`` (HTTP, bounded), ``xmlsafe`` (hardened XML), ``stationfeed`` and ``cap`` (parsers to
``FeedItem``), ``intake`` (items -> store), ``poll`` (the station part), ``status`` (doctor)."""
