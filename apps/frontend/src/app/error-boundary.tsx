import { Component, type ErrorInfo, type ReactNode } from 'react';

type State = { error: Error | null };

/** Last-resort boundary: a render error shows a message and a way out instead of a blank page. */
export class AppErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Unexpected UI error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main id="main" className="site-main">
        <div className="error-state" role="alert">
          <h1>Something went wrong</h1>
          <p>{this.state.error.message}</p>
          <p>
            <a href="/">Back to the home page</a>
          </p>
        </div>
      </main>
    );
  }
}
