from torus_mcp.cli import main

raise SystemExit(main())
