from surveykit.cli import main

raise SystemExit(main())
