from quizengine.cli import main

raise SystemExit(main())
