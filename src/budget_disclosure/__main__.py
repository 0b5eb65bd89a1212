from budget_disclosure.cli import main

raise SystemExit(main())
