create unique index widgets_name on widgets (name);
