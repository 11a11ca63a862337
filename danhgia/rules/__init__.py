"""The classification engine: pure Python, no Django imports. See docs/rules.md."""
